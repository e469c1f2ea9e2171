package org.headcount.live;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/** Hands each {@link LiveEndpoint} the registry, checks the handshake's Origin, and keeps its Referer. */
public final class LiveConfigurator extends ServerEndpointConfig.Configurator {

    static final String REFERER = "headcount.referer";

    private final PresenceRegistry registry;
    private final List<String> allowedOrigins;
    private final Executor closer;

    public LiveConfigurator(PresenceRegistry registry, List<String> allowedOrigins, Executor closer) {
        this.registry = registry;
        this.allowedOrigins = allowedOrigins;
        this.closer = closer;
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return Origins.allowed(allowedOrigins, originHeaderValue);
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        for (Map.Entry<String, List<String>> header : request.getHeaders().entrySet()) {
            if (header.getKey().equalsIgnoreCase("Referer") && !header.getValue().isEmpty()) {
                config.getUserProperties().put(REFERER, header.getValue().get(0));
            }
        }
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(new LiveEndpoint(registry, closer));
    }
}
