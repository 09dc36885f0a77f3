"""The Teams edge: the only modules under bot/ that import botbuilder."""
