package org.headcount.live;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code /live?page=P&vid=V}: one WebSocket session of visitor V (optional) on page P (from {@code page}, else the
 * handshake's Referer); {@code ?watch=all} watches every page without being counted. Clients only listen.
 */
public final class LiveEndpoint extends Endpoint {

    /**
     * The longest text a client may send, as long as a control frame; anything it sends is ignored, longer
     * texts close the session (1009). Clients only listen, and every session holds a buffer of this size.
     */
    static final int MAX_CLIENT_TEXT_CHARS = 125;
    /** Clients have no binary message to send either. */
    static final int MAX_CLIENT_BINARY_BYTES = 125;
    /** The parameter naming the visitor (headcount.js sends one per browser and site), so its tabs count once. */
    public static final String VISITOR = "vid";
    /** Where Jetty puts the client's address among a session's user properties. */
    static final String REMOTE_ADDRESS = "jakarta.websocket.endpoint.remoteAddress";
    static final String WATCH_ALL_FORBIDDEN = "watch=all needs the headcount-admin role (dashboardPublic=false)";

    private final PresenceRegistry registry;
    private final Executor closer;
    private volatile Runnable leave = () -> { };

    LiveEndpoint(PresenceRegistry registry, Executor closer) {
        this.registry = registry;
        this.closer = closer;
    }

    /**
     * Sizes the buffers each new session gets for incoming messages for clients that only listen: the container
     * allocates them at the handshake (8 KB binary and 8 K chars of text by default), for every connection.
     */
    public static void sizeMessageBuffers(WebSocketContainer container) {
        container.setDefaultMaxTextMessageBufferSize(MAX_CLIENT_TEXT_CHARS);
        container.setDefaultMaxBinaryMessageBufferSize(MAX_CLIENT_BINARY_BYTES);
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) ignored -> { });
        WsSubscriber subscriber = new WsSubscriber(session, closer, registry.meters());
        try {
            if ("all".equals(first(session, "watch"))) {
                if (!Boolean.TRUE.equals(session.getUserProperties().get(LiveConfigurator.MAY_WATCH_ALL))) {
                    subscriber.close(CloseReason.CloseCodes.VIOLATED_POLICY.getCode(), WATCH_ALL_FORBIDDEN);
                    return;
                }
                registry.watch(subscriber);
                leave = () -> registry.unwatch(subscriber);
                return;
            }
            String page = first(session, "page");
            if (page == null || page.isEmpty()) {
                page = (String) session.getUserProperties().get(LiveConfigurator.REFERER);
            }
            PresenceRegistry.Member member = registry.join(page, first(session, VISITOR), client(session), subscriber);
            leave = () -> registry.leave(member);
        } catch (Refused e) {
            subscriber.close(e.full() ? CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode()
                    : CloseReason.CloseCodes.VIOLATED_POLICY.getCode(), e.getMessage());
        }
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        leave.run();
    }

    @Override
    public void onError(Session session, Throwable error) {
        leave.run();
    }

    /**
     * The client's address: noted at the handshake where Headcount's filter runs before the upgrade (Tomcat), else
     * what the container tells (Jetty's user property); null when neither knows it, and no per-client limit applies.
     */
    private static String client(Session session) {
        Object noted = session.getUserProperties().get(LiveConfigurator.CLIENT);
        if (noted instanceof String address) {
            return address;
        }
        Object remote = session.getUserProperties().get(REMOTE_ADDRESS);
        if (!(remote instanceof InetSocketAddress address)) {
            return null;
        }
        // Behind Jetty's ForwardedRequestCustomizer it is the forwarded address, unresolved: no InetAddress in it.
        return address.isUnresolved() ? address.getHostString() : address.getAddress().getHostAddress();
    }

    private static String first(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
