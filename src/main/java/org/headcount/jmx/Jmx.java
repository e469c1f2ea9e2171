package org.headcount.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers Headcount's MBeans on the platform MBean server for one deployment and removes them at undeploy.
 * Names carry the context path ({@code org.headcount:type=Counter,context=/headcount}) so two deployments in one
 * JVM do not collide; a redeploy finds the name free again because the last undeploy removed it.
 */
public final class Jmx implements AutoCloseable {

    public static final String DOMAIN = "org.headcount";
    private static final System.Logger LOG = System.getLogger(Jmx.class.getName());

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final String contextPath;
    private final List<ObjectName> registered = new ArrayList<>();

    /** For the deployment at {@code contextPath} ("" for the root). */
    public Jmx(String contextPath) {
        this.contextPath = contextPath;
    }

    /** {@code org.headcount:type=TYPE,context=PATH}, the path quoted only where JMX needs it. */
    public static ObjectName name(String type, String contextPath) {
        String context = contextPath.isEmpty() ? "/" : contextPath;
        String value = context.matches("[^,=:\"*?\\\\\\n]*") ? context : ObjectName.quote(context);
        try {
            return new ObjectName(DOMAIN + ":type=" + type + ",context=" + value);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("No JMX name for context " + contextPath, e);
        }
    }

    /** Registers {@code bean} as {@code org.headcount:type=TYPE,context=PATH}; a name already taken is logged, not fatal. */
    public void register(String type, Object bean) {
        ObjectName name = name(type, contextPath);
        try {
            server.registerMBean(bean, name);
            registered.add(name);
        } catch (InstanceAlreadyExistsException e) {
            // The same context path twice in one JVM (two hosts, or two servers in one test JVM): counting matters more.
            LOG.log(System.Logger.Level.WARNING, "{0} is already registered by another Headcount in this JVM; "
                    + "this one runs without it", name);
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not register {0}: {1}", name, e.getMessage());
        }
    }

    /** Removes what this deployment registered. Idempotent. */
    @Override
    public void close() {
        for (ObjectName name : registered) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(System.Logger.Level.WARNING, "Could not unregister {0}: {1}", name, e.getMessage());
            }
        }
        registered.clear();
    }
}
