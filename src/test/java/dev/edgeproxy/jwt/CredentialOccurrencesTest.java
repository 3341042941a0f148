package dev.edgeproxy.jwt;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The pure parts of {@link CredentialOccurrences}: names, decoding, and counts per reading. */
class CredentialOccurrencesTest {

    @ParameterizedTest(name = "''{0}'' is ''{1}'': {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "session         | session      | true",
            "' session '     | session      | true",   // Tomcat, Go, Express trim; PHP strips leading space
            "'\tsession'     | session      | true",
            "SESSION         | session      | true",   // servlet equalsIgnoreCase, Spring Session's SESSION
            "Session         | session      | true",
            "ſession         | session      | true",   // long s: Java's equalsIgnoreCase folds it onto s
            "access.token    | access_token | true",   // PHP: '.' -> '_'
            "'access token'  | access_token | true",   // PHP: ' ' -> '_'
            "access_token[]  | access_token | true",   // PHP array
            "access_token[x] | access_token | true",
            "access[token    | access_token | true",   // PHP 8: unclosed '[' -> '_'
            "xsession        | session      | false",
            "sessionx        | session      | false",
            "session_        | session      | false",
            "sess ion        | session      | false",
            "''              | session      | false",
            "'  '            | session      | false",
            "session%5F      | session_     | false",  // not decoded here: see decode
    })
    void sameName(String candidate, String configured, boolean expected) {
        assertEquals(expected, CredentialOccurrences.sameName(candidate, configured));
    }

    @ParameterizedTest(name = "''{0}'' -> ''{1}''")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "access%5Ftoken         | access_token",
            "access%5ftoken         | access_token",
            "a+b                    | 'a b'",
            "%C3%A9                 | é",
            "100%                   | 100%",
            "%zz%26x                | %zz&x",         // a malformed escape stays, the rest is decoded
            "%2                     | %2",
            "%E9                    | \uFFFD",        // not UTF-8
            "plain                  | plain",
    })
    void decode(String raw, String expected) {
        assertEquals(expected, CredentialOccurrences.decode(raw));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "access_token=a                                  | 1",
            "access_token=a&access_token=b                   | 2",
            "x=1;access_token=a                              | 1",
            "access_token=a;access_token=b                   | 2",
            "access_token=a&x=1%26access_token%3Db           | 2",
            "access_token=a&ACCESS_TOKEN=b&access.token=c    | 3",
            "access_token                                    | 1",
            "filter=a;b&access_token=a                       | 1",
            "''                                              | 0",
            "a=1&&b=2;;c                                     | 0",
    })
    void countsInAQuery(String query, int expected) {
        assertEquals(expected, CredentialOccurrences.inQuery(query, "access_token"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "session=a                                 | 1",
            "session=a; session=b                      | 2",
            "x=1, session=a                            | 1",
            "x=1, session=a; session=b                 | 2",
            "prefs=a,b; session=a                      | 1",
            "session=a; Session=b                      | 2",
            "session =a; session=b                     | 2",
            "session=YQ==; x=session=b                 | 1",
            "xsession=1, sessionx=2; session=a         | 1",
            "session                                   | 1",
            "''                                        | 0",
    })
    void countsInOneCookieField(String field, int expected) {
        assertEquals(expected, CredentialOccurrences.inCookieFields(List.of(field), "session"));
    }

    @ParameterizedTest(name = "{0} + {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
            "session=a         | theme=dark         | 1",
            "session=a         | x=1, session=b     | 2",
            "a=1, session=a    | b=2, SESSION=b     | 2",
            "a=1               | b=2                | 0",
    })
    void countsAcrossCookieFields(String first, String second, int expected) {
        assertEquals(expected, CredentialOccurrences.inCookieFields(List.of(first, second), "session"));
    }
}
