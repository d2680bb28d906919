/**
 * QUIC: the TLS hellos inside QUIC Initial packets, for one UDP flow at a time.
 *
 * <p>Entry point: {@link io.tlscensus.quic.QuicConnection}, one per UDP flow, fed each UDP payload
 * with the flow side (0 or 1) that sent it. It fills the flow's
 * {@link io.tlscensus.tls.ConnectionRecord} through the same {@code ClientHello.parse} and
 * {@code ServerHello.parse} as TCP (transport {@code quic}), tells which side is the client
 * ({@code role(direction)}, like {@code TlsStreamParser.role()}) and when nothing more can be
 * learnt ({@code done()}). The caller sets the record's endpoints. {@code looksLikeQuic} is the
 * cheap first test for a UDP payload.
 *
 * <p>Versions: 1 (RFC 9000/9001), 2 (RFC 9369: other salt, "quicv2 " labels, rotated packet
 * types) and drafts 29-32 (draft-29 salt). Google QUIC (Q0xx) and other drafts are not decrypted.
 * Only the JDK's crypto is used: HmacSHA256 for HKDF, AES/GCM/NoPadding for packets,
 * AES/ECB/NoPadding for header protection masks.
 *
 * <p>Limits: a client that clears the QUIC bit (RFC 9287 grease_quic_bit) in its Initial is not
 * recognised by {@code looksLikeQuic}; QUIC over IP fragments is only seen once fragments are
 * reassembled upstream; a hello larger than the crypto limit (64 KiB by default) is counted as an
 * overflow and not parsed.
 */
package io.tlscensus.quic;
