package org.headcount.distribution;

import org.headcount.testing.Distribution;
import org.headcount.testing.TomcatDistribution;

/** The black-box suite against the real Apache Tomcat 11 distribution with tomcat-conf/. */
class TomcatDistributionIT extends DistributionIT {

    @Override
    Distribution distribution() {
        return TomcatDistribution.fromBuild();
    }
}
