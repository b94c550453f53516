"""Safety for users whose phones are checked: hiding the chat, forgetting a user, keeping little for long."""
