# Binder, Colab, a downloaded notebook: where bpkit, the course's package, is missing,
# this cell installs it from the course's repository. Where bpkit is installed it does nothing.
try:
    import bpkit  # noqa: F401
except ImportError:
    import subprocess
    import sys

    subprocess.run([sys.executable, "-m", "pip", "install",
                    "git+{url}@{branch}"], check=True)
