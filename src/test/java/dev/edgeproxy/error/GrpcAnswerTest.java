package dev.edgeproxy.error;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The gRPC shape of the proxy's own answers (docs/reference.md#grpc): status mapping and message encoding. */
class GrpcAnswerTest {

    @ParameterizedTest(name = "HTTP {0} -> grpc-status {1}")
    @CsvSource({"400,3", "401,16", "403,7", "404,5", "413,8", "429,8", "500,13", "501,12", "502,14", "503,14",
            "504,4", "418,2"})
    void httpStatusMapsAsDocumented(int http, int grpc) {
        assertEquals(grpc, GatewayError.grpcStatus(http));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "authorization failed|authorization failed",
            "100% sure|100%25 sure",
            "caf\u00e9|caf%C3%A9",
            "bell\u0007ring|bell%07ring",
            "tilde ~ and space|tilde ~ and space"})
    void messageIsPercentEncodedPerTheGrpcSpec(String message, String encoded) {
        assertEquals(encoded, ErrorResponder.grpcMessage(message));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"BadGateway,14", "UpstreamBusy,14", "Forbidden,7", "RouteNotFound,5"})
    void errorsCarryTheirGrpcStatus(String kind, int grpc) {
        GatewayError error = switch (kind) {
            case "BadGateway" -> new GatewayError.BadGateway(null);
            case "UpstreamBusy" -> new GatewayError.UpstreamBusy();
            case "Forbidden" -> new GatewayError.Forbidden();
            default -> new GatewayError.RouteNotFound();
        };
        assertEquals(grpc, error.grpcStatus());
    }
}
