# Headcount behind a reverse proxy in Jetty 12, a module of your jetty base (see docs/security.md, "Behind a reverse proxy").

[description]
A second HTTP connector, for the reverse proxy alone, that takes each client's address from the X-Forwarded-For
(or Forwarded) header the proxy sets. Jetty's ForwardedRequestCustomizer believes that header from whoever sends
it, so only this connector has one, listening where only the proxy reaches (127.0.0.1:8081 by default); the public
http connector keeps the address it sees. Off until added: java -jar $JETTY_HOME/start.jar --add-modules=headcount-proxy

[depend]
http

[xml]
etc/headcount-proxy.xml

[ini-template]
## The address the proxy connector binds to: one only your reverse proxy reaches.
# headcount.proxy.host=127.0.0.1

## The port it listens on: point the proxy here (nginx: proxy_pass http://127.0.0.1:8081).
# headcount.proxy.port=8081
