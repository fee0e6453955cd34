#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

// Swift cannot call C variadic functions, so these wrappers give the few variadic
// libmicrohttpd calls that the HTTP module needs fixed parameter lists.

// Starts a daemon with its options in an MHD_OPTION_ARRAY that ends with MHD_OPTION_END.
static inline struct MHD_Daemon *agora_mhd_start_daemon(
    unsigned int flags, MHD_AccessHandlerCallback handler, void *handler_cls,
    const struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, 0, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

// Returns the client's socket address, or NULL when libmicrohttpd has none.
static inline const struct sockaddr *agora_mhd_client_address(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    return info == NULL ? NULL : info->client_addr;
}
