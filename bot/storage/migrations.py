"""The database schema, as numbered steps (SQLite's, then PostgreSQL's). A step, once released, is never
edited: add a new one.

What is stored and why is told in DATA.md. No names, usernames or phone numbers: a user is the
numeric id of their private chat, which the bot needs to answer them.
"""

MIGRATIONS: tuple[str, ...] = (
    # 1: users, anonymous start counts, tickets with their messages and audit, the outbox, operators.
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL UNIQUE,
        lang TEXT,
        country TEXT,
        source TEXT,
        silent INTEGER NOT NULL DEFAULT 0,
        awaiting TEXT,
        check_state TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE start_counts (
        day TEXT NOT NULL,
        source TEXT NOT NULL,
        lang TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, source, lang)
    );
    CREATE TABLE processed_updates (
        update_id INTEGER PRIMARY KEY,
        processed_at TEXT NOT NULL
    );
    CREATE TABLE tickets (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'closed')),
        urgent INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'help',
        category TEXT,
        lang TEXT NOT NULL,
        source TEXT,
        country TEXT,
        pseudonym TEXT NOT NULL,
        operator_id INTEGER,
        thread_id INTEGER,
        card_message_id INTEGER,
        user_blocked INTEGER NOT NULL DEFAULT 0,
        ladder_step INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        shown_at TEXT,
        claimed_at TEXT,
        first_answer_at TEXT,
        last_operator_at TEXT,
        closed_at TEXT,
        close_reason TEXT
    );
    CREATE INDEX tickets_by_state ON tickets (state, created_at);
    CREATE UNIQUE INDEX one_live_ticket_per_user ON tickets (user_id) WHERE state != 'closed';
    CREATE TABLE ticket_messages (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id),
        direction TEXT NOT NULL CHECK (direction IN ('user', 'operator', 'note', 'canned')),
        kind TEXT NOT NULL,
        text TEXT,
        chat_id INTEGER,
        message_id INTEGER,
        operator_id INTEGER,
        created_at TEXT NOT NULL
    );
    CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);
    CREATE TABLE relayed (
        group_message_id INTEGER PRIMARY KEY,
        ticket_id INTEGER NOT NULL REFERENCES tickets(id)
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        ticket_id INTEGER,
        actor_id INTEGER,
        action TEXT NOT NULL,
        detail TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        lane INTEGER NOT NULL,
        kind TEXT NOT NULL,
        ticket_id INTEGER,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT
    );
    CREATE INDEX outbox_pending ON outbox (state, lane, id);
    CREATE TABLE operators (
        user_id INTEGER PRIMARY KEY,
        on_call INTEGER NOT NULL DEFAULT 0,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE sent_messages (
        chat_id INTEGER NOT NULL,
        message_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE TABLE events (
        day TEXT NOT NULL,
        name TEXT NOT NULL,
        lang TEXT NOT NULL,
        value TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, name, lang, value)
    );
    """,
    # 2: the inbox. python-telegram-bot confirms fetched updates with its next poll, before handling them;
    # each update is written here first (names removed) and deleted once handled, so a crash loses none.
    """
    CREATE TABLE inbox (
        update_id INTEGER PRIMARY KEY,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    """,
    # 3: the judgement's three bands. A message in the confirm band waits in `confirms` (with its text, only
    # until it is answered) while the bot asks "are you in danger right now?"; the answer stays, without the
    # text, for the statistics. Tickets keep how they were judged (for the card) and the operator's label.
    """
    CREATE TABLE confirms (
        id INTEGER PRIMARY KEY,
        user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
        lang TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT,
        chat_id INTEGER,
        message_id INTEGER,
        offer INTEGER NOT NULL DEFAULT 0,
        category TEXT,
        score REAL NOT NULL,
        matched TEXT,
        evidence TEXT,
        asked_at TEXT NOT NULL,
        answer TEXT CHECK (answer IN ('yes', 'no', 'unanswered', 'overtaken', 'forgotten')),
        answered_at TEXT,
        ticket_id INTEGER REFERENCES tickets(id)
    );
    CREATE INDEX confirms_pending ON confirms (user_id, asked_at) WHERE answer IS NULL;
    ALTER TABLE tickets ADD COLUMN band TEXT;
    ALTER TABLE tickets ADD COLUMN score REAL;
    ALTER TABLE tickets ADD COLUMN matched TEXT;
    ALTER TABLE tickets ADD COLUMN evidence TEXT;
    ALTER TABLE tickets ADD COLUMN asked TEXT CHECK (asked IN ('yes', 'unanswered'));
    ALTER TABLE tickets ADD COLUMN label TEXT CHECK (label IN ('real', 'noturgent', 'wrongcat'));
    ALTER TABLE tickets ADD COLUMN label_category TEXT;
    """,
    # 4: indexes for the statements that look a ticket up by its topic, card or user, an audit entry by its
    # ticket, and for the retention job's deletions by time: a grown database is read by index, not scanned.
    """
    CREATE INDEX tickets_by_thread ON tickets (thread_id) WHERE thread_id IS NOT NULL;
    CREATE INDEX tickets_by_card ON tickets (card_message_id) WHERE card_message_id IS NOT NULL;
    CREATE INDEX tickets_by_user ON tickets (user_id);
    CREATE INDEX audit_by_ticket ON audit (ticket_id, action);
    CREATE INDEX relayed_by_ticket ON relayed (ticket_id);
    CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);
    CREATE INDEX sent_messages_by_time ON sent_messages (at);
    CREATE INDEX outbox_by_lane ON outbox (lane);
    CREATE INDEX outbox_by_ticket ON outbox (ticket_id) WHERE ticket_id IS NOT NULL;
    CREATE INDEX outbox_done ON outbox (created_at) WHERE state != 'pending';
    """,
    # 5: several processes on one database (PostgreSQL's replicas). A dispatcher claims the head of a lane for a
    # while (`claimed_until`, renewed while it sends) so that one sender at a time delivers a lane, and a dead
    # one's claim runs out; a lease names the replica that runs the ladder and the retention jobs; the inbox
    # keeps each update's chat, so that a replica handles a chat's updates in their order.
    """
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until TEXT NOT NULL
    );
    ALTER TABLE inbox ADD COLUMN chat_id INTEGER;
    CREATE INDEX inbox_by_chat ON inbox (chat_id, update_id);
    """,
)

# The same steps for PostgreSQL, number for number: a database at step N holds the same tables on either
# backend (`helpline migrate --from` relies on it). Ids, chats and messages are BIGINT (group chat ids pass
# 2^31); flags stay INTEGER 0/1 and times ISO text, as in SQLite, so that the repositories' SQL reads the same.
PG_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE users (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        chat_id BIGINT NOT NULL UNIQUE,
        lang TEXT,
        country TEXT,
        source TEXT,
        silent INTEGER NOT NULL DEFAULT 0,
        awaiting TEXT,
        check_state TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE start_counts (
        day TEXT NOT NULL,
        source TEXT NOT NULL,
        lang TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, source, lang)
    );
    CREATE TABLE processed_updates (
        update_id BIGINT PRIMARY KEY,
        processed_at TEXT NOT NULL
    );
    CREATE TABLE tickets (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'claimed', 'closed')),
        urgent INTEGER NOT NULL,
        kind TEXT NOT NULL DEFAULT 'help',
        category TEXT,
        lang TEXT NOT NULL,
        source TEXT,
        country TEXT,
        pseudonym TEXT NOT NULL,
        operator_id BIGINT,
        thread_id BIGINT,
        card_message_id BIGINT,
        user_blocked INTEGER NOT NULL DEFAULT 0,
        ladder_step INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        queued_at TEXT NOT NULL,
        shown_at TEXT,
        claimed_at TEXT,
        first_answer_at TEXT,
        last_operator_at TEXT,
        closed_at TEXT,
        close_reason TEXT
    );
    CREATE INDEX tickets_by_state ON tickets (state, created_at);
    CREATE UNIQUE INDEX one_live_ticket_per_user ON tickets (user_id) WHERE state != 'closed';
    CREATE TABLE ticket_messages (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        ticket_id BIGINT NOT NULL REFERENCES tickets(id),
        direction TEXT NOT NULL CHECK (direction IN ('user', 'operator', 'note', 'canned')),
        kind TEXT NOT NULL,
        text TEXT,
        chat_id BIGINT,
        message_id BIGINT,
        operator_id BIGINT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);
    CREATE TABLE relayed (
        group_message_id BIGINT PRIMARY KEY,
        ticket_id BIGINT NOT NULL REFERENCES tickets(id)
    );
    CREATE TABLE audit (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        ticket_id BIGINT,
        actor_id BIGINT,
        action TEXT NOT NULL,
        detail TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE outbox (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        lane BIGINT NOT NULL,
        kind TEXT NOT NULL,
        ticket_id BIGINT,
        payload TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
        attempts INTEGER NOT NULL DEFAULT 0,
        not_before TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT
    );
    CREATE INDEX outbox_pending ON outbox (state, lane, id);
    CREATE TABLE operators (
        user_id BIGINT PRIMARY KEY,
        on_call INTEGER NOT NULL DEFAULT 0,
        changed_at TEXT NOT NULL
    );
    CREATE TABLE sent_messages (
        chat_id BIGINT NOT NULL,
        message_id BIGINT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    );
    CREATE TABLE events (
        day TEXT NOT NULL,
        name TEXT NOT NULL,
        lang TEXT NOT NULL,
        value TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (day, name, lang, value)
    );
    """,
    """
    CREATE TABLE inbox (
        update_id BIGINT PRIMARY KEY,
        payload TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    """,
    """
    CREATE TABLE confirms (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
        lang TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT,
        chat_id BIGINT,
        message_id BIGINT,
        offer INTEGER NOT NULL DEFAULT 0,
        category TEXT,
        score DOUBLE PRECISION NOT NULL,
        matched TEXT,
        evidence TEXT,
        asked_at TEXT NOT NULL,
        answer TEXT CHECK (answer IN ('yes', 'no', 'unanswered', 'overtaken', 'forgotten')),
        answered_at TEXT,
        ticket_id BIGINT REFERENCES tickets(id)
    );
    CREATE INDEX confirms_pending ON confirms (user_id, asked_at) WHERE answer IS NULL;
    ALTER TABLE tickets ADD COLUMN band TEXT;
    ALTER TABLE tickets ADD COLUMN score DOUBLE PRECISION;
    ALTER TABLE tickets ADD COLUMN matched TEXT;
    ALTER TABLE tickets ADD COLUMN evidence TEXT;
    ALTER TABLE tickets ADD COLUMN asked TEXT CHECK (asked IN ('yes', 'unanswered'));
    ALTER TABLE tickets ADD COLUMN label TEXT CHECK (label IN ('real', 'noturgent', 'wrongcat'));
    ALTER TABLE tickets ADD COLUMN label_category TEXT;
    """,
    """
    CREATE INDEX tickets_by_thread ON tickets (thread_id) WHERE thread_id IS NOT NULL;
    CREATE INDEX tickets_by_card ON tickets (card_message_id) WHERE card_message_id IS NOT NULL;
    CREATE INDEX tickets_by_user ON tickets (user_id);
    CREATE INDEX audit_by_ticket ON audit (ticket_id, action);
    CREATE INDEX relayed_by_ticket ON relayed (ticket_id);
    CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);
    CREATE INDEX sent_messages_by_time ON sent_messages (at);
    CREATE INDEX outbox_by_lane ON outbox (lane);
    CREATE INDEX outbox_by_ticket ON outbox (ticket_id) WHERE ticket_id IS NOT NULL;
    CREATE INDEX outbox_done ON outbox (created_at) WHERE state != 'pending';
    """,
    """
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until TEXT NOT NULL
    );
    ALTER TABLE inbox ADD COLUMN chat_id BIGINT;
    CREATE INDEX inbox_by_chat ON inbox (chat_id, update_id);
    """,
)
