"""The pure core: text, the catalogue model and loader, understanding, answers.

No SDK, no I/O beyond reading the data files.
"""
