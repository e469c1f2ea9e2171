package org.headcount.distribution;

import java.util.Map;
import org.headcount.testing.FreePort;
import org.headcount.testing.JettyDistribution;

/**
 * The real Jetty with jetty-conf's module headcount-proxy added: the proxy talks to the proxy connector, which
 * believes X-Forwarded-For; everyone else reaches only the public connector, which does not.
 */
class JettyBehindProxyIT implements BehindProxyContract {

    @Override
    public Proxied deployBehindProxy(Map<String, String> settings) throws Exception {
        int proxyPort = FreePort.next();
        return new Proxied(JettyDistribution.fromBuild().withProxyConnector(proxyPort).deploy(settings), proxyPort);
    }
}
