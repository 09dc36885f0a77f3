"""The support desk without the SDK: the ticket model, e-mail, delivery and the store."""
