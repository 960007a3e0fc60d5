"""The command line: the argument grammar and one function per command (the README
lists them). ``main.py`` composes it with the storage it opens.
"""
