/*
 * gguf.h: a read-only, zero-copy reader for GGUF model files (v2 and v3).
 *
 * gguf_open() maps the file read-only and parses the whole header once:
 * every metadata key/value (all thirteen value types, arrays, nested
 * arrays) and every tensor descriptor. Everything is validated before
 * gguf_open() returns: string and array lengths against the bytes that are
 * left, tensor types against the table of known ggml types, shapes and
 * element counts against overflow, and each tensor's offset+size against
 * the file size and general.alignment. After a successful open no accessor
 * can read outside the mapping, so callers need no further checks.
 *
 * Zero-copy: strings (keys, values, array elements) are struct gguf_str,
 * a pointer and a length into the mapping, NOT NUL-terminated. They live
 * as long as the struct gguf. Array data is also left in the mapping; it
 * may be unaligned, so numeric elements are read through the gguf_arr_*
 * accessors (which memcpy) rather than by casting the pointer.
 *
 * Only little-endian files are accepted (a big-endian file is reported as
 * such). Tensor names are copied into NUL-terminated storage because the
 * model loader looks them up by name.
 */
#ifndef CARO_GGUF_H
#define CARO_GGUF_H

#include "common.h"
#include "err.h"

/* Metadata value types, numbered as in the file format. */
enum gguf_vtype {
	GGUF_U8 = 0,
	GGUF_I8 = 1,
	GGUF_U16 = 2,
	GGUF_I16 = 3,
	GGUF_U32 = 4,
	GGUF_I32 = 5,
	GGUF_F32 = 6,
	GGUF_BOOL = 7,
	GGUF_STRING = 8,
	GGUF_ARRAY = 9,
	GGUF_U64 = 10,
	GGUF_I64 = 11,
	GGUF_F64 = 12,
	GGUF_VTYPE_COUNT
};

/* Tensor types, numbered as ggml numbers them (the ids stored in files). */
enum gguf_ttype {
	GGUF_T_F32 = 0,
	GGUF_T_F16 = 1,
	GGUF_T_Q4_0 = 2,
	GGUF_T_Q4_1 = 3,
	GGUF_T_Q5_0 = 6,
	GGUF_T_Q5_1 = 7,
	GGUF_T_Q8_0 = 8,
	GGUF_T_Q8_1 = 9,
	GGUF_T_Q2_K = 10,
	GGUF_T_Q3_K = 11,
	GGUF_T_Q4_K = 12,
	GGUF_T_Q5_K = 13,
	GGUF_T_Q6_K = 14,
	GGUF_T_Q8_K = 15,
	GGUF_T_BF16 = 30,
	GGUF_T_COUNT = 40 /* upper bound of the id space, not a type */
};

#define GGUF_MAX_DIMS 4
#define GGUF_DEFAULT_ALIGNMENT 32

/* A string inside the mapping: not NUL-terminated. */
struct gguf_str {
	const char *s;
	uint64_t len;
};

/* An array value. data points at the first element inside the mapping
 * (possibly unaligned); size is the byte length of all elements. For
 * GGUF_STRING elements each element is a u64 length then the bytes; for
 * GGUF_ARRAY elements each is a nested array header then its data. */
struct gguf_arr {
	enum gguf_vtype type; /* element type */
	uint64_t n;           /* element count */
	const uint8_t *data;
	uint64_t size;
};

struct gguf_value {
	enum gguf_vtype type;
	union {
		uint64_t u;   /* GGUF_U8, U16, U32, U64 */
		int64_t i;    /* GGUF_I8, I16, I32, I64 */
		double f;     /* GGUF_F32, F64 */
		bool b;       /* GGUF_BOOL */
		struct gguf_str str;
		struct gguf_arr arr;
	} v;
};

struct gguf_kv {
	struct gguf_str key;
	struct gguf_value val;
};

struct gguf_tensor {
	const char *name;          /* NUL-terminated copy */
	enum gguf_ttype type;
	uint32_t n_dims;
	uint64_t ne[GGUF_MAX_DIMS]; /* ne[0] varies fastest; unused dims are 1 */
	uint64_t n_elem;
	uint64_t offset;           /* absolute offset in the file */
	uint64_t size;             /* bytes */
	const void *data;          /* inside the mapping, aligned to the file's alignment */
};

/* Properties of a ggml tensor type: elements per block and bytes per block. */
struct gguf_type_info {
	const char *name;
	uint32_t blck;
	uint32_t size;
};

struct gguf;

/* Map and parse the file at path. Returns a new reader (caller frees with
 * gguf_close) or NULL with err filled: ERR_IO when the file cannot be
 * opened or mapped, ERR_PARSE when it is not a valid GGUF file (the message
 * says which part is wrong), ERR_LIMIT when a count exceeds a cap. */
struct gguf *gguf_open(const char *path, struct err *err);

/* Parse a GGUF image already in memory. The memory is borrowed: it must
 * outlive the reader and stay unchanged. Same errors as gguf_open(). */
struct gguf *gguf_open_mem(const void *data, size_t len, struct err *err);

/* Unmap and free. gguf_close(NULL) is a no-op. */
void gguf_close(struct gguf *g);

uint32_t gguf_version(const struct gguf *g);
uint64_t gguf_alignment(const struct gguf *g);
/* Absolute offset of the tensor data section, and the whole image. */
uint64_t gguf_data_offset(const struct gguf *g);
const void *gguf_base(const struct gguf *g);
uint64_t gguf_file_size(const struct gguf *g);

/* A 64-bit fingerprint of the file: a hash of the header (all metadata
 * and tensor descriptors), the file size and samples of the tensor data
 * spread over the data section. Two files that differ in any metadata,
 * tensor layout or size, or in most weight edits, differ in fingerprint.
 * It is computed at open time and costs well under a millisecond. */
uint64_t gguf_fingerprint(const struct gguf *g);

/* Metadata by position (0 <= i < gguf_n_kv) or by key (NULL if absent). */
uint64_t gguf_n_kv(const struct gguf *g);
const struct gguf_kv *gguf_kv_at(const struct gguf *g, uint64_t i);
const struct gguf_kv *gguf_find(const struct gguf *g, const char *key);

/* Typed lookups. Each returns true and fills *out when key exists with a
 * compatible type, false when it is absent or has another type:
 *  - gguf_get_int: any integer type whose value fits an int64_t;
 *  - gguf_get_uint: any integer type whose value is >= 0;
 *  - gguf_get_float: F32 or F64;
 *  - gguf_get_bool: BOOL;
 *  - gguf_get_str: STRING (zero-copy, not NUL-terminated);
 *  - gguf_get_arr: ARRAY whose element type is elem (any element type when
 *    elem is GGUF_VTYPE_COUNT). */
bool gguf_get_int(const struct gguf *g, const char *key, int64_t *out);
bool gguf_get_uint(const struct gguf *g, const char *key, uint64_t *out);
bool gguf_get_float(const struct gguf *g, const char *key, double *out);
bool gguf_get_bool(const struct gguf *g, const char *key, bool *out);
bool gguf_get_str(const struct gguf *g, const char *key, struct gguf_str *out);
bool gguf_get_arr(const struct gguf *g, const char *key, enum gguf_vtype elem,
		  struct gguf_arr *out);

/* Copy a STRING value into buf as a NUL-terminated string (truncated to
 * cap - 1 bytes). Returns the full length, or -1 when key is absent or not
 * a string. */
int64_t gguf_get_strcpy(const struct gguf *g, const char *key, char *buf, size_t cap);

/* Array element access; i must be < a->n (checked: out of range gives
 * zero / an empty value). Numeric accessors convert from the stored type:
 * gguf_arr_int reads any integer or BOOL element, gguf_arr_f32 any F32 or
 * F64 element (and integers). Strings and nested arrays are found by
 * walking, so gguf_arr_elem is O(i) for those; to read a whole string
 * array use gguf_arr_strs, which is one pass. */
int64_t gguf_arr_int(const struct gguf_arr *a, uint64_t i);
float gguf_arr_f32(const struct gguf_arr *a, uint64_t i);
void gguf_arr_elem(const struct gguf_arr *a, uint64_t i, struct gguf_value *out);

/* Fill out[0..a->n) with pointer+length of each element of a string array,
 * pointing into the mapping. out must hold a->n entries. Returns 0, or -1
 * (ERR_USAGE) when a is not a string array. */
int gguf_arr_strs(const struct gguf_arr *a, struct gguf_str *out, struct err *err);

/* Copy a numeric array into out[0..a->n), converting each element.
 * Returns 0, or -1 (ERR_USAGE) for string or array element types. */
int gguf_arr_to_f32(const struct gguf_arr *a, float *out, struct err *err);
int gguf_arr_to_i32(const struct gguf_arr *a, int32_t *out, struct err *err);

/* Tensors by position or by name (NULL if absent). */
uint64_t gguf_n_tensors(const struct gguf *g);
const struct gguf_tensor *gguf_tensor_at(const struct gguf *g, uint64_t i);
const struct gguf_tensor *gguf_find_tensor(const struct gguf *g, const char *name);

/* The ggml type table: NULL for ids that are not (or no longer) types. */
const struct gguf_type_info *gguf_type_info(uint32_t type);
/* "q4_K", "f16", ... or "?" */
const char *gguf_type_name(uint32_t type);
/* "u8", "string", "array", ... or "?" */
const char *gguf_vtype_name(uint32_t vtype);

/* Compare a gguf_str with a C string. */
bool gguf_str_eq(struct gguf_str a, const char *s);

#endif
