# Shared by scripts/start and scripts/test.

venv_install() {  # venv_install EXTRAS: make .venv and install the project into it
  local python=${PYTHON:-python3}
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Revise needs Python 3.11 or newer; $python is $("$python" --version)" >&2
    exit 1
  fi
  # Revise is installed in editable mode, so code changes need no reinstall: only a change
  # to pyproject.toml (dependencies, entry points), the extras or the Python does. The
  # stamp records what was installed; REVISE_REINSTALL=1 forces a fresh install. An
  # install with the test extras also serves a plain one.
  local want stamp
  want="$("$python" --version 2>&1) $(sha256sum pyproject.toml | cut -d' ' -f1)"
  if [ -z "${REVISE_REINSTALL:-}" ] && [ -x .venv/bin/python ]; then
    for stamp in ".venv/.installed$1" ".venv/.installed.[dev]"; do
      if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
      [ "$1" = "." ] || break
    done
  fi
  if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  fi
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$1"
  echo "$want" > ".venv/.installed$1"
}
