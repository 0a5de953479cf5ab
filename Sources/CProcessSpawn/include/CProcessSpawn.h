#ifndef REDIS_EVENTSOURCE_CPROCESSSPAWN_H
#define REDIS_EVENTSOURCE_CPROCESSSPAWN_H

#include <spawn.h>

/* glibc declares these only under _GNU_SOURCE, which Swift's Glibc module does not set.
   The wrappers give Swift the two calls that make spawning race-free. */

/* posix_spawn_file_actions_addclosefrom_np: the child closes every descriptor >= lowest. */
int cprocessspawn_add_closefrom(posix_spawn_file_actions_t *actions, int lowest);

/* pipe2(fds, O_CLOEXEC): both ends are close-on-exec from the moment they exist. */
int cprocessspawn_pipe_cloexec(int fds[2]);

#endif
