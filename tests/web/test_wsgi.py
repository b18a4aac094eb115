"""The WSGI entry point loads the whole project, freezes it out of the cyclic collector and
collects the young generation less often."""

import os
import subprocess
import sys


def test_the_wsgi_module_loads_the_views_and_freezes_what_it_made():
    code = (
        "import gc, sys, merito.wsgi; "
        "print(gc.get_freeze_count() > 10000, "
        "'merito.web.portal.views.applications' in sys.modules, "
        "gc.get_threshold() == merito.wsgi.GC_THRESHOLDS != (700, 10, 10))"
    )
    env = {**os.environ, "MERITO_TESTING": "1", "DJANGO_SETTINGS_MODULE": "merito.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"]
