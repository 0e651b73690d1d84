import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The example services' server: answers every request with "hello from NAME" on ADDRESS:PORT. Any JDK runs it
 * without a build step: {@code java Hello.java NAME PORT [ADDRESS]}.
 */
public class Hello {
    public static void main(String[] args) throws Exception {
        byte[] body = ("hello from " + args[0] + "\n").getBytes(StandardCharsets.UTF_8);
        String address = args.length > 2 ? args[2] : "127.0.0.1";
        HttpServer server = HttpServer.create(new InetSocketAddress(address, Integer.parseInt(args[1])), 64);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.out.println("listening on " + address + ":" + args[1]);
    }
}
