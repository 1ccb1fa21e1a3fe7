/* JSON output for lpar's listings. */
#ifndef LPAR_CMD_JSON_H
#define LPAR_CMD_JSON_H

#include <stdio.h>

struct part_status;

void json_string(FILE *f, const char *s);
/* One partition's status as a JSON object. */
void json_status(FILE *f, const struct part_status *st);

#endif
