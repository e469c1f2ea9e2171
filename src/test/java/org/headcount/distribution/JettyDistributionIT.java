package org.headcount.distribution;

import org.headcount.testing.Distribution;
import org.headcount.testing.JettyDistribution;

/** The black-box suite against the real Eclipse Jetty 12 distribution (ee11) in a fresh jetty base with jetty-conf/. */
class JettyDistributionIT extends DistributionIT {

    @Override
    Distribution distribution() {
        return JettyDistribution.fromBuild();
    }
}
