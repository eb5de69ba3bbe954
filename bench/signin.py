"""Sign in to a running demo site as a demo user (password, then for staff the demo's current code)
and return the session cookie, for the Lighthouse script and screenshots. Demo data only: it uses
the demo's printed password and authenticator secret (`seed_demo`), which work only with DEBUG on
or on a site seeded with `seed_demo`."""

from __future__ import annotations

import base64
import http.cookiejar
import re
import sys
import time
import urllib.parse
import urllib.request

from django_otp.oath import TOTP

DEMO_PASSWORD = "mystery-shop-demo"  # noqa: S105 (the demo's published password)
DEMO_TOTP_SECRET = "MYSTERYSHOPDEMOSECRETFORALLROLES"  # noqa: S105 (the demo's published secret)


def _post(opener, url: str, fields: dict) -> str:
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310 (the bench's own site)
    response = opener.open(request)
    return response.geturl()


class _LocalSecureCookies(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):
        return True


def session_cookie(base: str, username: str) -> str:
    """`sessionid=...` for `username`, signed in past the code step."""
    # With DJANGO_DEBUG=0 the cookies are Secure; the bench's site is plain http on this machine.
    jar = http.cookiejar.CookieJar(policy=_LocalSecureCookies())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    landed = _post(opener, f"{base}/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    for _ in range(2):
        if "/accounts/two-factor/" not in landed:
            break
        totp = TOTP(base64.b32decode(DEMO_TOTP_SECRET))
        landed = _post(opener, f"{base}/accounts/two-factor/", {"code": f"{totp.token():06d}"})
        if "/accounts/two-factor/" in landed:
            # A code works once: someone just used this one, so wait for the next.
            time.sleep(totp.step - (totp.time - totp.t0) % totp.step + 1)
    if "/accounts/" in landed:
        raise SystemExit(f"Could not sign in as {username}: ended at {landed}")
    return next(f"{cookie.name}={cookie.value}" for cookie in jar if cookie.name.endswith("sessionid"))


if __name__ == "__main__":
    print(session_cookie(sys.argv[1].rstrip("/"), sys.argv[2]))
