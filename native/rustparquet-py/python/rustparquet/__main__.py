"""``python -m rustparquet`` and the ``rustparquet`` script: the ``rustparquet`` command
itself (the same code as the standalone binary, run from the native module)."""

import sys


def main() -> None:
    from ._rustparquet import cli_main

    # The command's own name in its messages and --help, whichever way it was started.
    sys.exit(cli_main(["rustparquet", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
