"""This talk's tests: talkbook's fixtures and checks (talkbook.testing).

They build the talk once per test session with `make`, as you do, serve it on
127.0.0.1 and drive Debian's Chromium; nothing leaves the machine.
"""

pytest_plugins = ["talkbook.testing"]
