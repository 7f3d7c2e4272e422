package dev.sonde.agent.link;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import sonde.v1.EnvelopeOuterClass.Envelope;

/**
 * One WebSocket to the gateway, on the JDK's own java.net.http client: binary frames of one Envelope
 * each. Frames that arrive are queued for the agent's thread; sends are made from that thread only,
 * one at a time, each waited for (bounded).
 */
public final class Connection implements AutoCloseable {
  private static final int MAX_FRAME = 16 * 1024 * 1024;
  private final WebSocket ws;
  private final BlockingQueue<Object> incoming;

  private Connection(WebSocket ws, BlockingQueue<Object> incoming) {
    this.ws = ws;
    this.incoming = incoming;
  }

  /** Connected, or an exception saying why not (within ``timeout``). */
  public static Connection open(URI uri, String agentKey, Duration timeout) throws Exception {
    BlockingQueue<Object> incoming = new LinkedBlockingQueue<>(10_000);
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(timeout);
    if (!agentKey.isEmpty()) builder.header("Authorization", "Bearer " + agentKey);
    WebSocket ws = builder.buildAsync(uri, new Listener(incoming)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return new Connection(ws, incoming);
  }

  public void send(Envelope e) throws Exception {
    ws.sendBinary(ByteBuffer.wrap(e.toByteArray()), true).get(10, TimeUnit.SECONDS);
  }

  /** The next envelope within ``millis``, or null; throws when the connection closed or failed. */
  public Envelope receive(long millis) throws Exception {
    Object next = incoming.poll(millis, TimeUnit.MILLISECONDS);
    if (next == null) return null;
    if (next instanceof Envelope e) return e;
    throw new java.io.IOException(String.valueOf(next));
  }

  @Override
  public void close() {
    try {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(1, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      ws.abort();
    }
  }

  private static final class Listener implements WebSocket.Listener {
    private final BlockingQueue<Object> incoming;
    private final ByteArrayOutputStream parts = new ByteArrayOutputStream();

    Listener(BlockingQueue<Object> incoming) {
      this.incoming = incoming;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] chunk = new byte[data.remaining()];
      data.get(chunk);
      parts.write(chunk, 0, chunk.length);
      if (parts.size() > MAX_FRAME) {
        incoming.offer("a frame of more than " + MAX_FRAME + " bytes");
        ws.abort();
        return null;
      }
      if (last) {
        try {
          incoming.put(Envelope.parseFrom(parts.toByteArray()));
        } catch (Exception e) {
          incoming.offer("a frame that is no envelope: " + e.getMessage());
        }
        parts.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      incoming.offer("the gateway closed the connection (" + status + (reason.isEmpty() ? "" : ": " + reason) + ")");
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      incoming.offer(String.valueOf(error));
    }
  }
}
