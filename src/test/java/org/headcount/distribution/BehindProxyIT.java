package org.headcount.distribution;

import java.util.Map;
import org.headcount.testing.DeployedServer;
import org.headcount.testing.TomcatDistribution;

/** The real Tomcat with tomcat-conf's RemoteIpValve uncommented: the proxy and everyone else share one port. */
class BehindProxyIT implements BehindProxyContract {

    @Override
    public Proxied deployBehindProxy(Map<String, String> settings) throws Exception {
        DeployedServer server = TomcatDistribution.fromBuild().withRemoteIpValve().deploy(settings);
        return new Proxied(server, server.port());
    }
}
