package org.headcount.live;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * Hands each {@link LiveEndpoint} the registry, checks the handshake's Origin, keeps its Referer, and notes
 * whether the handshake may watch every page.
 */
public final class LiveConfigurator extends ServerEndpointConfig.Configurator {

    static final String REFERER = "headcount.referer";
    static final String MAY_WATCH_ALL = "headcount.mayWatchAll";
    static final String CLIENT = "headcount.client";
    /** The address of the request being upgraded on this thread, noted by a filter that runs before the upgrade. */
    private static final ThreadLocal<String> UPGRADING = new ThreadLocal<>();

    private final PresenceRegistry registry;
    private final List<String> allowedOrigins;
    private final Executor closer;
    private final String watchAllRole;

    /** {@code watchAllRole}: the role {@code ?watch=all} needs, or null when anyone may watch every page. */
    public LiveConfigurator(PresenceRegistry registry, List<String> allowedOrigins, Executor closer, String watchAllRole) {
        this.registry = registry;
        this.allowedOrigins = allowedOrigins;
        this.closer = closer;
        this.watchAllRole = watchAllRole;
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
        // The access filter has already answered 401/403 where it runs first (Tomcat). Checked here too because
        // Jetty runs its upgrade filter ahead of the application's: this check is what holds everywhere.
        config.getUserProperties().put(MAY_WATCH_ALL, watchAllRole == null || request.isUserInRole(watchAllRole));
        String client = UPGRADING.get();
        if (client != null) {
            config.getUserProperties().put(CLIENT, client);
        }
    }

    /**
     * Notes, for this thread, the address of the request about to be upgraded; null forgets it. A filter that runs
     * before the upgrade calls it: the WebSocket API itself never tells the endpoint who its client is.
     */
    public static void noteClient(String client) {
        if (client == null) {
            UPGRADING.remove();
        } else {
            UPGRADING.set(client);
        }
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(new LiveEndpoint(registry, closer));
    }
}
