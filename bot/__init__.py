"""A Telegram helpline for migrants at risk of trafficking and forced labour in Central Asia."""
