package ddl.master.dashboard;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may see the dashboard. Bound to loopback, everyone on this machine; bound elsewhere, only a
 * browser that gave the cluster secret, or the token derived from it (HMAC-SHA256 of a fixed label
 * under the secret, so the token opens the dashboard but cannot run code on the workers), on the
 * login page ({@code /login}, which sets a cookie), as {@code Authorization: Bearer TOKEN}, or as
 * {@code ?token=TOKEN}. {@code /healthz} stays open for probes.
 */
public final class DashboardAuth {
  private static final String COOKIE = "ddl_dashboard";
  private static final String LABEL = "ddl-dashboard-token-v1";

  private final boolean open;
  private final String secret;
  private final String token;

  DashboardAuth(boolean open, String secret) {
    this.open = open;
    this.secret = secret;
    this.token = token(secret);
  }

  /** The dashboard token of a cluster secret (hex). */
  public static String token(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(LABEL.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  /** Adds the login page and the check in front of every route added after it. */
  void install(Router router) {
    if (open) {
      return;
    }
    router.get("/login").handler(ctx -> ctx.response().putHeader("content-type", "text/html; charset=utf-8")
        .end(loginPage(ctx.queryParams().contains("failed"))));
    router.post("/login").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::login);
    router.route().handler(this::check);
  }

  private void login(RoutingContext ctx) {
    String given = ctx.request().getFormAttribute("secret");
    if (given != null && (same(given, secret) || same(given, token))) {
      ctx.response().addCookie(cookie()).setStatusCode(303).putHeader("location", "/").end();
    } else {
      ctx.response().setStatusCode(303).putHeader("location", "/login?failed").end();
    }
  }

  private void check(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (path.equals("/healthz") || path.equals("/style.css") || path.equals("/favicon.svg")) {
      ctx.next();
      return;
    }
    Cookie cookie = ctx.request().getCookie(COOKIE);
    String header = ctx.request().getHeader("authorization");
    String query = ctx.request().getParam("token");
    if (cookie != null && same(cookie.getValue(), token)
        || header != null && header.startsWith("Bearer ") && same(header.substring(7).trim(), token)) {
      ctx.next();
    } else if (query != null && same(query, token)) {
      ctx.response().addCookie(cookie());
      ctx.next();
    } else if (path.startsWith("/api/") || path.equals("/metrics")) {
      ctx.response().setStatusCode(401).putHeader("content-type", "application/json")
          .end("{\"error\":\"log in at /login with the cluster secret, or send Authorization: Bearer TOKEN"
              + " (ClusterTool dashboard-token prints it)\"}");
    } else {
      ctx.response().setStatusCode(303).putHeader("location", "/login").end();
    }
  }

  private Cookie cookie() {
    return Cookie.cookie(COOKIE, token).setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setPath("/");
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static String loginPage(boolean failed) {
    return """
        <!doctype html><html><head><meta charset="utf-8"><title>DDL dashboard: log in</title>
        <link rel="stylesheet" href="/style.css"><link rel="icon" href="/favicon.svg" type="image/svg+xml"></head><body class="login"><main>
        <h1>DDL dashboard</h1>
        <p>This dashboard is reachable from other machines, so it asks for the cluster secret
        (<code>secret</code> in config.yml) or the dashboard token derived from it
        (<code>scripts/status --token</code>).</p>
        %s
        <form method="post" action="/login"><input type="password" name="secret" autofocus
        placeholder="secret or token" size="50"> <button>Open</button></form></main></body></html>
        """.formatted(failed ? "<p class=\"bad\">That is neither the secret nor the token.</p>" : "");
  }
}
