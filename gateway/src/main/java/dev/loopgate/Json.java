package dev.loopgate;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The one shared {@link ObjectMapper}, created on first use: building it costs about 200 ms of a cold start, which
 * must not delay the moment the gateway accepts connections.
 */
public final class Json {
    private Json() {}

    public static ObjectMapper mapper() {
        return Holder.MAPPER;
    }

    private static final class Holder {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
}
