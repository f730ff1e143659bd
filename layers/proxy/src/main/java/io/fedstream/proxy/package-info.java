/**
 * MARO's distributed communication on FedStream: {@link io.fedstream.proxy.Proxy} (peers,
 * messages and sessions, {@code send}/{@code isend}/{@code scatter}/{@code iscatter}/{@code
 * broadcast}/{@code ibroadcast}/{@code receive}/{@code receiveById}), the conditional event
 * {@link io.fedstream.proxy.RegisterTable} with {@link io.fedstream.proxy.Event}s and {@link
 * io.fedstream.proxy.Handler}s, and {@link io.fedstream.proxy.Dist}, which makes a plain object a
 * distributed worker. Built on the node API only; see {@code docs/proxy.md}.
 */
package io.fedstream.proxy;
