/* The mesh struct's memory (the struct is plain data; see photo3d/mesh.h). */
#include "photo3d/mesh.h"

#include <stdlib.h>
#include <string.h>

void p3d_mesh_free(p3d_mesh *mesh)
{
    free(mesh->xyz);
    free(mesh->rgba);
    free(mesh->faces);
    memset(mesh, 0, sizeof *mesh);
}
