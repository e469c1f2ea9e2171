package org.headcount.testing;

import java.io.File;
import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.servlets.DefaultServlet;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ValveBase;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;

/**
 * The built headcount.war deployed at /headcount in an embedded Tomcat 11 on port 0, with
 * context-params as its configuration (and {@link #CONNECTOR} properties) and two users: {@code admin}
 * (role headcount-admin) and {@code viewer} (none). The params are given as context.xml's {@code <Parameter>}
 * elements are, so they survive an undeploy and deploy.
 */
public final class EmbeddedHeadcount implements Deployment, AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "admin-secret";
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "viewer-secret";
    /** A parameter named {@code connector.x} sets the HTTP connector's property x instead of a context-param. */
    public static final String CONNECTOR = "connector.";
    /** A parameter of this name makes the server refuse every WebSocket handshake, as a proxy that blocks them does. */
    public static final String REFUSE_WEBSOCKET = "test.refuseWebSocket";

    private final Tomcat tomcat = new Tomcat();
    private final Context context;
    private boolean closed;

    private EmbeddedHeadcount(Map<String, String> params) throws LifecycleException, IOException {
        Path base = Files.createTempDirectory("headcount-tomcat");
        Files.createDirectories(base.resolve("webapps"));
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getHost().setAppBase(base.resolve("webapps").toString());
        tomcat.addUser(ADMIN, ADMIN_PASSWORD);
        tomcat.addRole(ADMIN, "headcount-admin");
        tomcat.addUser(VIEWER, VIEWER_PASSWORD);
        // The default web.xml would add a JSP servlet this classpath lacks; static files need the DefaultServlet.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        context = tomcat.addWebapp("/headcount", war().toString());
        addDefaultServlet();
        Tomcat.addDefaultMimeTypeMappings(context);
        params.forEach((name, value) -> {
            if (name.equals(REFUSE_WEBSOCKET)) {
                tomcat.getHost().getPipeline().addValve(new RefuseWebSocket());
            } else if (name.startsWith(CONNECTOR)) {
                tomcat.getConnector().setProperty(name.substring(CONNECTOR.length()), value);
            } else {
                ApplicationParameter param = new ApplicationParameter();
                param.setName(name);
                param.setValue(value);
                context.addApplicationParameter(param);
            }
        });
        // As tomcat-conf/server.xml: a pixel client may keep one connection for any number of requests.
        tomcat.getConnector().setProperty("maxKeepAliveRequests", "-1");
        tomcat.start();
    }

    /** Static files need Tomcat's DefaultServlet; a stopped context forgets its servlets, so each deploy adds it. */
    private void addDefaultServlet() {
        Tomcat.addServlet(context, "default", new DefaultServlet());
        context.addServletMappingDecoded("/", "default");
    }

    /** Deploys the WAR with {@code params} as context-params; check {@link #deployed()} when a failure is expected. */
    public static EmbeddedHeadcount start(Map<String, String> params) throws LifecycleException, IOException {
        return new EmbeddedHeadcount(params);
    }

    public static Path war() {
        String war = System.getProperty("headcount.war", "target/headcount.war");
        File file = new File(war);
        if (!file.isFile()) {
            throw new IllegalStateException(war + " is missing: integration tests run after mvn package");
        }
        return file.toPath().toAbsolutePath();
    }

    public boolean deployed() {
        return context.getState() == LifecycleState.STARTED;
    }

    /** Stops the webapp (its undeploy: final flush, MBeans removed), leaving Tomcat and its port up. */
    public void undeploy() throws LifecycleException {
        context.stop();
    }

    /** Starts the webapp again after {@link #undeploy()}: a fresh deployment on the same port. */
    public void deploy() throws LifecycleException {
        addDefaultServlet();
        context.start();
    }

    @Override
    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /** Undeploys (running the final flush) and stops Tomcat. Idempotent. */
    @Override
    public void close() throws LifecycleException {
        if (closed) {
            return;
        }
        closed = true;
        tomcat.stop();
        tomcat.destroy();
    }

    /** Answers 403 to every WebSocket handshake before it reaches the application. */
    private static final class RefuseWebSocket extends ValveBase {
        RefuseWebSocket() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                response.sendError(403, "WebSocket is blocked here");
                return;
            }
            getNext().invoke(request, response);
        }
    }
}
