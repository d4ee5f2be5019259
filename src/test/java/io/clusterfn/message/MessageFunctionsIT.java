package io.clusterfn.message;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same tests against the packaged application, with a second instance beside it for the race through two. */
@QuarkusIntegrationTest
class MessageFunctionsIT extends MessageFunctionsTest {
}
