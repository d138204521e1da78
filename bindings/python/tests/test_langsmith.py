import json
import uuid

from langsmith import Client

from conftest import GH_LABEL, GH_TOKEN
from hush_redact.langsmith import anonymizer


def test_anonymizer_scrubs_a_nested_run_payload():
    anon = anonymizer()
    run = {
        "inputs": {
            "messages": [
                {"role": "user", "content": f"use my token {GH_TOKEN}"},
                {"role": "tool", "tool_calls": [{"name": "bash", "args": {"command": "PGPASSWORD=pg-S3cret-1 psql -h db"}}]},
            ],
            "config": {"api_key": "sk-proj-not-a-real-key-0000", "temperature": 0.2, "n": 2**70},
        },
        "id": uuid.UUID(int=7),
    }
    out = anon(run)
    text = json.dumps(out)
    assert GH_TOKEN not in text and "pg-S3cret-1" not in text and "not-a-real-key" not in text
    assert out["inputs"]["messages"][0]["content"] == f"use my token {GH_LABEL}"
    assert out["inputs"]["config"]["temperature"] == 0.2
    assert out["inputs"]["config"]["n"] == str(2**70)
    assert out["id"] == str(uuid.UUID(int=7))


def test_client_uses_it_on_inputs_outputs_and_errors():
    # No request is made: info given, no background batching.
    client = Client(
        api_key="lsv2-not-used-offline",
        api_url="http://127.0.0.1:9",
        anonymizer=anonymizer(),
        auto_batch_tracing=False,
        info={},
    )
    assert client._hide_run_inputs({"q": f"deploy with {GH_TOKEN}"}) == {"q": f"deploy with {GH_LABEL}"}
    assert client._hide_run_outputs({"a": [GH_TOKEN]}) == {"a": [GH_LABEL]}
    assert client._hide_run_error(f"HTTP 401 for {GH_TOKEN}") == f"HTTP 401 for {GH_LABEL}"
