package dev.loopgate.proxy;

import io.netty.channel.Channel;

/**
 * Backpressure both ways for one exchange: a side is read again only while the other side can take more, and a read
 * that had to wait is asked for as soon as the other side drains. Memory per exchange stays bounded by the channels'
 * write-buffer marks, however fast one side and however slow the other.
 */
final class Backpressure {
    private final Downstream client;
    private boolean clientReadWaiting;
    private boolean backendReadWaiting;

    Backpressure(Downstream client) {
        this.client = client;
    }

    /** The next piece of the request body is read now, or once the backend has room. */
    void readClient(Channel backend) {
        if (backend.isWritable()) {
            client.readBody();
        } else {
            clientReadWaiting = true;
        }
    }

    /** The backend's read cycle ended: what it gave goes out, and it is read on only while the client keeps up. */
    void backendReadComplete(Channel backend) {
        client.flush();
        if (client.isWritable()) {
            backend.read();
        } else {
            backendReadWaiting = true;
        }
    }

    void backendWritabilityChanged(Channel backend) {
        if (clientReadWaiting && backend != null && backend.isWritable()) {
            clientReadWaiting = false;
            client.readBody();
        }
    }

    void clientWritabilityChanged(Channel backend) {
        if (backendReadWaiting && backend != null && client.isWritable()) {
            backendReadWaiting = false;
            backend.read();
        }
    }
}
