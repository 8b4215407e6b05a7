"""Command-line tools of talkbook, each a subcommand of the ``talkbook`` command (talkbook.cli).

- :mod:`.new`: a new talk, from the starter; :mod:`.upgrade`: a talk's talkbook files
  written again by a newer talkbook;
- :mod:`.build`: ``sphinx-build``, with a "what to do" line under each warning;
- :mod:`.site`: the publishable site and its offline download, audited (:mod:`.audit`);
- :mod:`.linkreport`: the link checks of both outputs as one report;
- :mod:`.pdf`: the deck printed by headless Chromium (slides and handout);
  :mod:`.card`: the link previews' picture (:mod:`.browser` starts Chromium for both);
- :mod:`.serve`: the live preview;
- :mod:`.gitstats`: contributors per month and code size per quarter, from git repositories.

Run each as ``talkbook <name> --help`` or ``python -m talkbook.tools.<name> --help``; a talk's
Makefile runs them.
"""
