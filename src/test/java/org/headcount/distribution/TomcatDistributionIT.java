package org.headcount.distribution;

import org.headcount.testing.Distribution;
import org.headcount.testing.TomcatDistribution;

/**
 * The black-box suite against the real Apache Tomcat 11 distribution with tomcat-conf/, the settings given as
 * {@code <Parameter>}s in conf/context.xml (TomcatHttpsIT and TomcatBrowserIT give theirs as system properties).
 */
class TomcatDistributionIT extends DistributionIT {

    @Override
    Distribution distribution() {
        return TomcatDistribution.fromBuild().withSettingsInContextXml();
    }
}
