import pytest

import hush_redact

# Fake tokens, generated for these tests: the right prefix, length and
# alphabet, never issued by anyone.
GH_TOKEN = "ghp_4N48BnQ9Nxq1s7HJx7vkk80Em0f4RqqxyDDt"
GH_TOKEN_2 = "ghp_GjX5XGhGbmutEqh7d5M0owgENZCDkN9RXoZ4"
GH_LABEL = "[REDACTED:github-pat-classic]"


@pytest.fixture(scope="session")
def scrubber() -> hush_redact.Scrubber:
    return hush_redact.Scrubber()
