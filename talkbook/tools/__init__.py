"""Command-line tools around the two Sphinx builds of a talk.

- :mod:`.build`: ``sphinx-build``, with a "what to do" line under each warning;
- :mod:`.site`: the publishable site and its offline download, audited;
- :mod:`.linkreport`: the link checks of both outputs as one report;
- :mod:`.pdf`: the deck printed by headless Chromium (slides and handout);
- :mod:`.serve`: the live preview;
- :mod:`.gitstats`: contributors per month and code size per quarter, from git repositories.

Run each as ``python -m talkbook.tools.<name> --help``; the Makefile does.
"""
