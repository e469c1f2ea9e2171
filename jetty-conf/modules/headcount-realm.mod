# Headcount's login realm for Jetty 12, a module of your jetty base (see README, "Deploy in Jetty 12").

[description]
The HashLoginService "Headcount" (the realm-name in headcount.war's web.xml), whose users and roles come from
etc/headcount-realm.properties. POST /headcount/admin/flush needs a user with the role headcount-admin.

[depend]
security

[xml]
etc/headcount-realm.xml
