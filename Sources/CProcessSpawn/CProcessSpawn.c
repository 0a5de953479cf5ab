#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "CProcessSpawn.h"

int cprocessspawn_add_closefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

int cprocessspawn_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
