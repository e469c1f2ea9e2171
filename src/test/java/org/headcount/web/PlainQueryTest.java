package org.headcount.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.tomcat.util.buf.MessageBytes;
import org.apache.tomcat.util.http.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The plain-query reader finds exactly what Tomcat's own parameter parsing finds, or leaves the query to it. */
class PlainQueryTest {

    /** What Tomcat's request.getParameter("key") answers for a GET with this query; it may throw. */
    private static String tomcat(String query) {
        MessageBytes bytes = MessageBytes.newInstance();
        bytes.setString(query);
        bytes.toBytes();
        Parameters parameters = new Parameters();
        parameters.setQuery(bytes);
        parameters.setQueryStringCharset(StandardCharsets.UTF_8);
        parameters.setLimit(1000);
        parameters.handleQueryParameters();
        return parameters.getParameter("key");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', emptyValue = "", value = {
            "key=/a/b.html",
            "key=__proto__",
            "key=a=b",
            "key=",
            "key",
            "keys=x&key=y",
            "xkey=1&key=2",
            "key=1&key=2",
            "r=123&key=/p?x",
            "&&key=k&&",
            "KEY=k",
            "other=1",
            "``",
            "key=a;b",
            "key=../../etc/passwd",
            "key=<script>",
            "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&key=16",
    })
    void plainQueriesReadAsTomcatReadsThem(String query) {
        assertEquals(tomcat(query), PlainQuery.key(query), "key of [" + query + "]");
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "key=a%20b",
            "key=a+b",
            "k%65y=x",
            "key=%ZZ",
            "key=ü",
            "key=a b",
            "key=tab\there",
            "key=del\u007f",
            "=x&key=k",
            "key=k&=x",
            "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9&j=10&k=11&l=12&m=13&n=14&o=15&p=16&key=17",
    })
    void anythingEscapedOrUnusualIsLeftToTheContainer(String query) {
        assertSame(PlainQuery.NOT_PLAIN, PlainQuery.key(query), "[" + query + "] is not read here");
    }

    @Test
    void randomPlainQueriesAgreeWithTomcat() {
        Random random = new Random(10);
        String[] pieces = {"key", "key=", "=", "&", "k", "e", "y", "/", "a", "1", "?", ";", ".", "__proto__", "kEy"};
        int read = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder query = new StringBuilder();
            for (int i = random.nextInt(12); i >= 0; i--) {
                query.append(pieces[random.nextInt(pieces.length)]);
            }
            String key = PlainQuery.key(query.toString());
            if (key != PlainQuery.NOT_PLAIN) { // else the container reads it, or refuses it
                read++;
                assertEquals(tomcat(query.toString()), key, "key of [" + query + "]");
            }
        }
        assertEquals(true, read > 10_000, "most of them were plain: " + read);
    }
}
