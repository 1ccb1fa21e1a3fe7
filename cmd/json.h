/* SPDX-License-Identifier: ISC */
/* JSON output for lpar's listings. */
#ifndef LPAR_CMD_JSON_H
#define LPAR_CMD_JSON_H

#include <stdio.h>

struct part_status;

void json_string(FILE *f, const char *s);
/* A value from "key value" text: a number if it is a decimal integer, else a string. */
void json_value(FILE *f, const char *v);
/* One partition's status as a JSON object. */
void json_status(FILE *f, const struct part_status *st);
/* The status's rings as a JSON array. */
void json_rings(FILE *f, const struct part_status *st);
/* The status's shares as a JSON array. */
void json_shares(FILE *f, const struct part_status *st);

/*
 * A JSON array on stdout, one element at a time; a name that failed is an
 * element {"name": ..., "error": ...}, so the array stays valid JSON.
 */
struct json_list {
	int n;
};
void json_list_begin(struct json_list *l);
/* Before each element: the separator. */
void json_list_next(struct json_list *l);
void json_list_error(struct json_list *l, const char *name, const char *msg);
void json_list_end(struct json_list *l);

#endif
