package org.headcount.live;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code /live?page=P}: one WebSocket session counted on page P (from {@code page}, else the handshake's
 * Referer); {@code ?watch=all} watches every page without being counted. Clients only listen.
 */
public final class LiveEndpoint extends Endpoint {

    /** The longest text a client may send; anything it sends is ignored. */
    public static final int MAX_CLIENT_MESSAGE_BYTES = 1024;
    static final String WATCH_ALL_FORBIDDEN = "watch=all needs the headcount-admin role (dashboardPublic=false)";

    private final PresenceRegistry registry;
    private final Executor closer;
    private volatile Runnable leave = () -> { };

    LiveEndpoint(PresenceRegistry registry, Executor closer) {
        this.registry = registry;
        this.closer = closer;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxTextMessageBufferSize(MAX_CLIENT_MESSAGE_BYTES);
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
            PresenceRegistry.Member member = registry.join(page, subscriber);
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

    private static String first(Session session, String name) {
        List<String> values = session.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
