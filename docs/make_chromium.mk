# Headless Chromium for the dashboard test (tests/integration/test_deploy_local.py).
# Include from the Makefile:  include docs/make_chromium.mk
.PHONY: chromium
chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y --no-install-recommends chromium; }
	@chromium --version
