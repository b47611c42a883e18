// SessionMiddleware: the session round-trips in a signed cookie with the asked
// attributes; tampered, expired, foreign or malformed cookies are an empty
// session, never an error; key rotation; an emptied session deletes the cookie.
#include <starling/middleware/sessions.hpp>

#include <starling/application.hpp>
#include <starling/testclient.hpp>

#include "crypto/signing.hpp"

#include <gtest/gtest.h>

#include <memory>

namespace starling {
namespace {

using namespace std::chrono_literals;

const Secret kKey("0123456789abcdef-current");
const Secret kOldKey("0123456789abcdef-previous");

awaitable<Response> login(Request& request) {
  request.session()["user"] = request.query_params().get("user", "ann");
  request.session()["visits"] = 0;
  co_return PlainTextResponse("logged in");
}

awaitable<Response> me(Request& request) { co_return JSONResponse(request.session()); }

awaitable<Response> logout(Request& request) {
  request.session().clear();
  co_return PlainTextResponse("bye");
}

awaitable<Response> plain(Request&) { co_return PlainTextResponse("no session used"); }

std::unique_ptr<App> make_app(SessionOptions options) {
  return std::make_unique<App>(
      AppOptions{.routes = {Route("/login", login), Route("/me", me), Route("/logout", logout), Route("/plain", plain)},
                 .middleware = {SessionMiddleware(std::move(options))}});
}

std::string session_cookie(const TestResponse& response) {
  for (const auto value : response.headers.get_list("set-cookie"))
    if (value.starts_with("session=")) return std::string(value);
  return "";
}

// The cookie's value from a Set-Cookie line.
std::string value_of(const std::string& set_cookie) {
  const auto start = set_cookie.find('=') + 1;
  return set_cookie.substr(start, set_cookie.find(';') - start);
}

RequestOptions with_cookie(const std::string& value) {
  RequestOptions options;
  options.cookies["session"] = value;
  return options;
}

}  // namespace

TEST(Sessions, TheSessionComesBackOnTheNextRequest) {
  auto app = make_app({.secret_keys = {kKey}});
  TestClient client(*app);
  const auto response = client.get("/login?user=bob");
  const auto cookie = session_cookie(response);
  EXPECT_NE(cookie.find("; Max-Age=1209600"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("; SameSite=lax"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("; Secure"), std::string::npos) << cookie;
  EXPECT_EQ(client.get("/me").json(), json({{"user", "bob"}, {"visits", 0}}));
}

TEST(Sessions, AnUnusedSessionSetsNoCookie) {
  auto app = make_app({.secret_keys = {kKey}});
  TestClient client(*app);
  EXPECT_EQ(session_cookie(client.get("/plain")), "");
  EXPECT_EQ(client.get("/me").json(), json::object());
}

TEST(Sessions, ATamperedCookieIsAnEmptySessionAndIsCleared) {
  auto app = make_app({.secret_keys = {kKey}});
  TestClient client(*app);
  const auto value = value_of(session_cookie(client.get("/login")));
  // The payload says {"user":"ann",...}; a client rewriting it breaks the signature.
  const auto forged_payload = crypto::base64url_encode(R"({"user":"admin","visits":0})");
  const auto forged = forged_payload + value.substr(value.find('.'));
  TestClient fresh(*app);
  const auto response = fresh.get("/me", with_cookie(forged));
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.json(), json::object());
  EXPECT_NE(session_cookie(response).find("Max-Age=0"), std::string::npos) << session_cookie(response);
  for (const auto& garbage :
       std::vector<std::string>{"", "...", "a.b.c", "not even dots", value + "x", value.substr(1)})
    EXPECT_EQ(fresh.get("/me", with_cookie(garbage)).json(), json::object()) << garbage;
}

TEST(Sessions, AnExpiredCookieIsAnEmptySession) {
  auto app = make_app({.secret_keys = {kKey}, .max_age = 60s});
  TestClient client(*app);
  const auto payload = R"({"user":"ann"})";
  const auto fresh = crypto::sign(kKey.reveal(), "session", payload, std::chrono::system_clock::now() - 30s);
  const auto stale = crypto::sign(kKey.reveal(), "session", payload, std::chrono::system_clock::now() - 61s);
  EXPECT_EQ(client.get("/me", with_cookie(fresh)).json(), json({{"user", "ann"}}));
  EXPECT_EQ(client.get("/me", with_cookie(stale)).json(), json::object());
}

TEST(Sessions, ACookieSignedByAnotherKeyOrForAnotherCookieIsForeign) {
  auto app = make_app({.secret_keys = {kKey}});
  TestClient client(*app);
  const auto now = std::chrono::system_clock::now();
  const auto other_key = crypto::sign("another app's key, 32 bytes long", "session", R"({"user":"ann"})", now);
  const auto other_cookie = crypto::sign(kKey.reveal(), "remember_me", R"({"user":"ann"})", now);
  EXPECT_EQ(client.get("/me", with_cookie(other_key)).json(), json::object());
  EXPECT_EQ(client.get("/me", with_cookie(other_cookie)).json(), json::object());
}

TEST(Sessions, ASignedPayloadThatIsNotAJsonObjectIsAnEmptySession) {
  auto app = make_app({.secret_keys = {kKey}});
  TestClient client(*app);
  const auto now = std::chrono::system_clock::now();
  for (const char* payload : {"not json", "[1,2]", "42", R"({"a":)"})
    EXPECT_EQ(client.get("/me", with_cookie(crypto::sign(kKey.reveal(), "session", payload, now))).json(),
              json::object())
        << payload;
}

TEST(Sessions, OldKeysStillVerifyAndNewCookiesUseTheFirstKey) {
  const auto old_cookie =
      crypto::sign(kOldKey.reveal(), "session", R"({"user":"ann"})", std::chrono::system_clock::now());
  auto rotated = make_app({.secret_keys = {kKey, kOldKey}});
  TestClient client(*rotated);
  const auto response = client.get("/me", with_cookie(old_cookie));
  EXPECT_EQ(response.json(), json({{"user", "ann"}}));
  const auto renewed = value_of(session_cookie(response));
  EXPECT_TRUE(crypto::verify({kKey.reveal()}, "session", renewed));
  EXPECT_FALSE(crypto::verify({kOldKey.reveal()}, "session", renewed));
  auto old_key_dropped = make_app({.secret_keys = {kKey}});
  TestClient later(*old_key_dropped);
  EXPECT_EQ(later.get("/me", with_cookie(old_cookie)).json(), json::object());
}

TEST(Sessions, AnEmptiedSessionDeletesTheCookie) {
  auto app = make_app({.secret_keys = {kKey}});
  TestClient client(*app);
  client.get("/login");
  const auto response = client.get("/logout");
  const auto cookie = session_cookie(response);
  EXPECT_NE(cookie.find("session=;"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("Max-Age=0"), std::string::npos) << cookie;
  EXPECT_EQ(client.get("/me").json(), json::object());
}

TEST(Sessions, CookieAttributesFollowTheOptions) {
  auto app = make_app({.secret_keys = {kKey},
                       .session_cookie = "sid",
                       .max_age = std::nullopt,
                       .path = "/app",
                       .domain = "example.org",
                       .same_site = "strict",
                       .https_only = true});
  TestClient client(*app);
  const auto cookie = std::string(client.get("/login").headers.get_list("set-cookie").at(0));
  EXPECT_TRUE(cookie.starts_with("sid=")) << cookie;
  EXPECT_EQ(cookie.find("Max-Age"), std::string::npos) << cookie;
  for (const char* part : {"; Path=/app", "; Domain=example.org", "; Secure", "; SameSite=strict"})
    EXPECT_NE(cookie.find(part), std::string::npos) << part << " in " << cookie;
}

TEST(Sessions, BadOptionsAreRefusedNamingTheProblem) {
  auto refused = [](SessionOptions options, const std::string& words) {
    try {
      SessionMiddleware middleware(std::move(options));
      ADD_FAILURE() << "accepted; expected: " << words;
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  refused({}, "secret_keys is empty");
  refused({.secret_keys = {kKey, Secret("short")}}, "secret_keys[1] is shorter than 16 bytes");
  refused({.secret_keys = {kKey}, .same_site = "sometimes"}, "same_site must be lax, strict or none");
  refused({.secret_keys = {kKey}, .same_site = "none"}, "needs https_only");
}

TEST(Sessions, WithoutTheMiddlewareRequestSessionSaysWhatIsMissing) {
  App app({.routes = {Route("/me", me)}});
  TestClient client(app);
  try {
    client.get("/me");
    FAIL() << "expected a logic_error";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("SessionMiddleware"), std::string::npos) << e.what();
  }
}

TEST(Signing, Base64UrlRoundTripsEveryLengthAndRefusesNonCanonicalText) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    const auto encoded = crypto::base64url_encode(bytes);
    EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_EQ(crypto::base64url_decode(encoded), bytes);
    bytes += static_cast<char>(i * 37);
  }
  EXPECT_EQ(crypto::base64url_decode("QQ"), "A");
  EXPECT_FALSE(crypto::base64url_decode("QR"));  // the same byte with stray low bits
  EXPECT_FALSE(crypto::base64url_decode("Q"));
  EXPECT_FALSE(crypto::base64url_decode("QQ=="));
  EXPECT_FALSE(crypto::base64url_decode("a+b/"));
}

TEST(Signing, HmacSha256MatchesRfc4231) {
  // RFC 4231 test case 2.
  const auto digest = crypto::hmac_sha256("Jefe", "what do ya want for nothing?");
  std::string hex;
  for (const char c : digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    hex += kHex[(static_cast<unsigned char>(c) >> 4) & 0xf];
    hex += kHex[static_cast<unsigned char>(c) & 0xf];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace starling
