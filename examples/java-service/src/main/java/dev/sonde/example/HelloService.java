package dev.sonde.example;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

// Run with the Sonde agent, no change to this file:
//   SONDE_GATEWAY_URL=http://127.0.0.1:8790 java -javaagent:sonde-agent.jar -jar target/java-service-0.1.0.jar
// PORT picks the port (default 8080; 0 picks a free one).
public final class HelloService {
  private HelloService() {}

  static String greet(String name) {
    return "Hello: " + name;
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", exchange -> {
      String name = exchange.getRequestURI().getPath().substring(1);
      byte[] body = greet(name).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    System.out.println("listening on http://127.0.0.1:" + server.getAddress().getPort());
  }
}
