package ddl.master.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ddl.transport.ClusterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dashboard that asks for the secret (as when bound beyond loopback) lets in only who gives it. */
class DashboardLoginTest {
  private static final String SECRET = "dashboard-login-test-secret-0123";
  private final HttpClient http = HttpClient.newHttpClient(); // no cookie jar: each request on its own

  @Test
  void onlyTheSecretOrItsTokenOpensItAndHealthzStaysOpen(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("config.yml");
    Files.writeString(config, "workers: [127.0.0.1:9]\nsecret: " + SECRET + "\n");
    Dashboard d = Dashboard.start(ClusterConfig.load(config), dir, "127.0.0.1", 0, 1000, true).await();
    try {
      String base = "http://127.0.0.1:" + d.port();
      String token = DashboardAuth.token(SECRET);
      assertEquals(64, token.length());
      assertNotEquals(DashboardAuth.token(SECRET + "x"), token);

      assertEquals(401, get(base + "/api/state", null).statusCode());
      assertEquals(401, get(base + "/metrics", null).statusCode());
      HttpResponse<String> page = get(base + "/", null);
      assertEquals(303, page.statusCode());
      assertEquals("/login", page.headers().firstValue("location").orElse(""));
      assertEquals(200, get(base + "/healthz", null).statusCode());
      assertEquals(200, get(base + "/login", null).statusCode());

      assertEquals(200, get(base + "/api/state", "Bearer " + token).statusCode());
      assertEquals(200, get(base + "/metrics", "Bearer " + token).statusCode());
      assertEquals(401, get(base + "/api/state", "Bearer " + SECRET).statusCode(), "the secret is no bearer token");
      assertEquals(200, get(base + "/api/state?token=" + token, null).statusCode());

      HttpResponse<String> wrong = login(base, "not-the-secret");
      assertEquals("/login?failed", wrong.headers().firstValue("location").orElse(""));
      assertTrue(wrong.headers().firstValue("set-cookie").isEmpty());
      for (String given : new String[] {SECRET, token}) {
        HttpResponse<String> right = login(base, given);
        assertEquals("/", right.headers().firstValue("location").orElse(""));
        String cookie = right.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
        assertTrue(cookie.startsWith("ddl_dashboard="), cookie);
        HttpResponse<String> in = http.send(HttpRequest.newBuilder(URI.create(base + "/")).header("cookie", cookie)
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, in.statusCode());
        assertTrue(in.body().contains("DDL cluster"));
      }
    } finally {
      d.close().await();
    }
  }

  private HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      b.header("authorization", authorization);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> login(String base, String secret) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("secret=" + java.net.URLEncoder.encode(secret,
            java.nio.charset.StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
  }
}
