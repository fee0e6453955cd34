// Debian installs libpq's headers under /usr/include/postgresql; libpq-fe.h finds its
// neighbours (postgres_ext.h) by quoted includes, relative to itself.
#include <postgresql/libpq-fe.h>
