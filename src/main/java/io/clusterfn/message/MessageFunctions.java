package io.clusterfn.message;

import io.clusterfn.http.ApiException;
import io.clusterfn.http.Caller;
import io.clusterfn.http.Fields;
import io.clusterfn.http.Identity;
import io.clusterfn.http.Page;
import io.clusterfn.http.Read;
import io.quarkus.funqy.Funq;
import io.smallrye.mutiny.Uni;

import java.util.Base64;
import java.util.regex.Pattern;

/** {@code send}, {@code inbox}, {@code ack} and {@code messages}. */
public class MessageFunctions {
    private static final Pattern NONCE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    /** Standard base64 with its padding, nothing else. */
    private static final Pattern BASE64 = Pattern.compile("(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?");
    private static final Pattern POSITION = Pattern.compile("[0-9]{1,18}");
    private static final int DEFAULT_INBOX = 100;

    private final MessageService service;
    private final Identity identity;

    public MessageFunctions(MessageService service, Identity identity) {
        this.service = service;
        this.identity = identity;
    }

    public record SendInput(String workerId, String from, String to, String nonce, String payload) {
    }

    @Funq
    public Uni<MessageView> send(SendInput in) {
        Caller caller = identity.authenticated();
        String workerId = Fields.hexId("workerId", in.workerId());
        String from = Fields.hexId("from", in.from());
        String to = Fields.hexId("to", in.to());
        String nonce = Fields.require("nonce", in.nonce());
        if (!NONCE.matcher(nonce).matches()) {
            throw ApiException.invalidInput("nonce", "must be 1..64 characters of [A-Za-z0-9._:-]");
        }
        String payload = Fields.require("payload", in.payload());
        if (!BASE64.matcher(payload).matches()) {
            throw ApiException.invalidInput("payload", "must be standard base64 with padding");
        }
        return service.send(new MessageService.Send(caller.account(), workerId, from, to, nonce,
                Base64.getDecoder().decode(payload)));
    }

    public record InboxQuery(String workerId, Long limit) {
    }

    @Funq
    @Read
    public Uni<MessageService.Inbox> inbox(InboxQuery q) {
        Caller caller = identity.authenticated();
        String workerId = Fields.hexId("workerId", q.workerId());
        int limit = q.limit() == null ? DEFAULT_INBOX : (int) Fields.count("limit", q.limit(), 1, Page.MAX_LIMIT);
        return service.inbox(workerId, caller.account(), limit);
    }

    public record AckInput(String workerId, String fromCluster, Long upTo) {
    }

    @Funq
    public Uni<MessageService.Acknowledged> ack(AckInput in) {
        Caller caller = identity.authenticated();
        String workerId = Fields.hexId("workerId", in.workerId());
        String fromCluster = Fields.hexId("fromCluster", in.fromCluster());
        long upTo = Fields.count("upTo", in.upTo(), 0, Long.MAX_VALUE);
        return service.ack(workerId, caller.account(), fromCluster, upTo);
    }

    public record MessagesQuery(String contractId, String direction, Long limit, String cursor) {
    }

    @Funq
    @Read
    public Uni<Page<MessageView>> messages(MessagesQuery q) {
        String contractId = Fields.hexId("contractId", q.contractId());
        String direction = q.direction() == null ? "out" : Fields.oneOf("direction", q.direction(), "out", "in");
        int limit = Page.limit(q.limit());
        String before = Page.after(q.cursor(), POSITION.asMatchPredicate());
        return service.history(contractId, direction.equals("out"), before == null ? null : Long.parseLong(before), limit);
    }
}
