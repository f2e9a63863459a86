"""Compare sign-in time for an unknown email with a known email and a wrong password.

Both must cost one Argon2 verification, so the ratio of their medians should be close to 1.
Run against a service already serving (standard library only):

    python benchmarks/login_timing.py --url http://127.0.0.1:8000 --rounds 25
"""

import argparse
import json
import secrets
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request

SIGN_IN_PATH = "/api/v1/auth/token"
USERS_PATH = "/api/v1/users"


def post(url: str, body: bytes, content_type: str) -> tuple[int, dict[str, object]]:
    """POST and return the status and the JSON body, errors included."""
    request = urllib.request.Request(  # noqa: S310  # the URL is the operator's own
        url, data=body, headers={"Content-Type": content_type}, method="POST"
    )
    try:
        with urllib.request.urlopen(request) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sign_in_seconds(base: str, email: str, password: str) -> tuple[float, dict[str, object]]:
    """Time one failed sign-in and return its duration and problem body."""
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    started = time.perf_counter()
    status, body = post(base + SIGN_IN_PATH, form, "application/x-www-form-urlencoded")
    elapsed = time.perf_counter() - started
    if status != 401:
        msg = f"expected 401, got {status}: {body}"
        raise SystemExit(msg)
    return elapsed, body


def main() -> None:
    """Register a user, then time interleaved unknown-email and wrong-password sign-ins."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()

    email = f"timing-{secrets.token_hex(4)}@example.com"
    user = {"email": email, "display_name": "Timing", "password": secrets.token_urlsafe(16)}
    status, body = post(args.url + USERS_PATH, json.dumps(user).encode(), "application/json")
    if status != 201:
        msg = f"could not register the timing user ({status}): {body}"
        raise SystemExit(msg)

    unknown: list[float] = []
    wrong: list[float] = []
    for _ in range(args.rounds + 3):  # the first three of each warm up
        unknown_time, unknown_body = sign_in_seconds(args.url, f"x{email}", "wrong password")
        wrong_time, wrong_body = sign_in_seconds(args.url, email, "wrong password")
        unknown.append(unknown_time)
        wrong.append(wrong_time)

    unknown_ms = statistics.median(unknown[3:]) * 1000
    wrong_ms = statistics.median(wrong[3:]) * 1000
    same_body = {k: v for k, v in unknown_body.items() if k != "request_id"} == {
        k: v for k, v in wrong_body.items() if k != "request_id"
    }
    print(f"unknown email: median {unknown_ms:.1f} ms over {args.rounds}")
    print(f"wrong password: median {wrong_ms:.1f} ms over {args.rounds}")
    print(f"ratio: {unknown_ms / wrong_ms:.3f}; same body apart from request_id: {same_body}")


if __name__ == "__main__":
    main()
