/* main.c: placeholder until the command table lands (see cmd_*.c). */
#include "common.h"
int main(void) { return 0; }
